# no backup folder configured: not applicable
