sitegenSearch.shard("9",{"9":"A24A1A11A1"});
