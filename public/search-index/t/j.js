sitegenSearch.shard("j",{"januari":"A1A9A6A2A5A1A2A1A1B26",
"jean":"A28A27",
"john":"K10A20A4",
"jr":"A9A9K3",
"juli":"A3A9A1A4A5",
"june":"A4A1A2A8A4A12A2B8"});
