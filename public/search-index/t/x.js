sitegenSearch.shard("x",{"xml":"A62A2"});
