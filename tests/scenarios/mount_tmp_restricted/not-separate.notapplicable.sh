# /tmp is part of the root file system in the sandbox
