sitegenSearch.shard("6",{"6":"A23A28A1",
"60":"B27A21A1"});
