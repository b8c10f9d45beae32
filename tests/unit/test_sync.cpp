// filled in with the sync engine
