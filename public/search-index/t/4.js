sitegenSearch.shard("4",{"4":"A0A22A7A3A15A3",
"42":"A4",
"461":"A43"});
