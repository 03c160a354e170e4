sitegenSearch.shard("8",{"8":"A13A5A8A2A28",
"87":"A29K17"});
