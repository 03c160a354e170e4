sitegenSearch.shard("9",{"9":"A24A1A12A1",
"94":"A9B9"});
