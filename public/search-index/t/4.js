sitegenSearch.shard("4",{"4":"A0A22A7A3A15A3A18B3A6",
"42":"A4J61",
"461":"A43A25"});
