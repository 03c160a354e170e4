sitegenSearch.shard("6",{"6":"A23A27A1",
"60":"B27A20A1"});
