useradd -m bob && useradd -o -u "$(id -u bob)" -M bob2
