sitegenSearch.shard("v",{"verifi":"A4",
"vicki":"A9K15",
"view":"A29K15",
"violent":"A29",
"visa":"A27T1A1M26L1",
"visit":"A0A28L7L1K1L1K1K1L1L4A6K6",
"visitor":"A28"});
