sitegenSearch.shard("3",{"3":"A14A1",
"30":"A4A10A12",
"31":"A7A14A4"});
