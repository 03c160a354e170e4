sitegenSearch.shard("v",{"verifi":"A4A12A17",
"vicki":"A9K15",
"vieille":"A4",
"view":"A29K16",
"violent":"A29",
"visa":"A27Y1A1P27P1B1N1",
"visit":"A0A28L8L1K1L1K1K1L1L4A6K6",
"visitor":"A28"});
