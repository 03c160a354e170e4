sitegenSearch.shard("j",{"januari":"A1A8A1A6B2A5A1A2A1A1B27",
"jean":"A28A28",
"john":"K10A20A5",
"jr":"A9A9K3",
"juli":"A3A1A8A1A4A5",
"june":"A4A1A2A8A4A12A3B8"});
