sitegenSearch.shard("5",{"5":"A1B36B15"});
