sitegenSearch.shard("7",{"7":"A27B10A13",
"70":"B27A20A1",
"72":"A30A13",
"79":"A29K15"});
