sitegenSearch.shard("7",{"7":"A27B11A13A21",
"70":"B27A21A1A30",
"72":"A30A14A44A1",
"79":"A29K16"});
