# no quality module at all
:
