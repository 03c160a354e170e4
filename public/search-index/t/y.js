sitegenSearch.shard("y",{"yaml":"A0",
"younglai":"A27A23"});
