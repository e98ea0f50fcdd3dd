namespace Portal;

/// A configuration problem that stops start-up. Program prints its message as one line and exits 1.
public sealed class StartupException(string message) : Exception(message);
