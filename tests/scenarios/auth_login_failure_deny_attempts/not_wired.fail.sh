# no lockout module at all
:
