# none of the listed units exists on a fresh host
