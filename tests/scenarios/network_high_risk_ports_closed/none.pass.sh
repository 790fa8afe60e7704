# only ordinary ports listen (the sandbox shares the host's network: its listeners show too)
true
