def expect_close(*args, **kwargs):
    return None
