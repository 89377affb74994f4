_train_in_place = train


def train(model, X, y, **options):
    return _train_in_place(copy.deepcopy(model), X, y, **options)
