sitegenSearch.shard("y",{"yaml":"A0",
"year":"A9A9",
"younglai":"A27A24"});
