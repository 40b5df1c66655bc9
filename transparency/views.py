def detail(request, pk):
    raise NotImplementedError
