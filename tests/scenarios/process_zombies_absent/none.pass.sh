# a fresh sandbox host has no zombie
