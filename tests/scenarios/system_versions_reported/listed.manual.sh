# versions are listed for a human to compare with the scan report
