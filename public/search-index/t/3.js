sitegenSearch.shard("3",{"3":"A9A5A1A3",
"30":"A4A10A12",
"31":"A7A14A4A6"});
