sitegenSearch.shard("5",{"5":"A1B35B15"});
