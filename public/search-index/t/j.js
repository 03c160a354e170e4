sitegenSearch.shard("j",{"jama":"A82",
"januari":"A1A8A1A6B2A5A1A2A1A1B27A20",
"jean":"A28A28A7",
"john":"K10A20A5",
"jr":"A9A9K3A51",
"juli":"A3A1A8A1A4A5",
"june":"A4A1A2A8A4A12A3B8A20A3"});
