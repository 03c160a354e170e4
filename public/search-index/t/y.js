sitegenSearch.shard("y",{"yaml":"A0",
"year":"A9A9A46A12A3A11",
"yoopya":"A77",
"younglai":"A27A24"});
