sitegenSearch.shard("8",{"8":"A13A5A8A2B29",
"87":"A29K18"});
