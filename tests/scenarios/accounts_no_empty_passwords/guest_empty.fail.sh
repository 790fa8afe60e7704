useradd -m guest && passwd -d guest
