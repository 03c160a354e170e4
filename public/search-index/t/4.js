sitegenSearch.shard("4",{"4":"A0A22A7A5A10B2A1A2A5A1A2",
"461":"A42"});
