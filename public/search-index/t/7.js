sitegenSearch.shard("7",{"7":"A27B11A13",
"70":"B27A21A1",
"72":"A30A14",
"79":"A29K16"});
