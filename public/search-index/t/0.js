sitegenSearch.shard("0",{"0":"A0A32",
"000":"B28B29K1A1"});
