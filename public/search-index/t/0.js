sitegenSearch.shard("0",{"0":"A0A32B39",
"000":"B28B29K1A1A11J10A5",
"02":"B75"});
