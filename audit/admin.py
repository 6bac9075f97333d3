# No models of its own: the history it reads is registered in each app's admin (SimpleHistoryAdmin).
