sitegenSearch.shard("0",{"0":"A0A34A10A2A1A7A1A2",
"000":"A28K29"});
