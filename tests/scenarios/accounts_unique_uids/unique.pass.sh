useradd -m bob
