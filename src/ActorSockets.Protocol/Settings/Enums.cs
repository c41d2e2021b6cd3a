namespace ActorSockets.Protocol.Settings;

public enum ServiceKind { Sum, Notes, Chat }

public enum Transport { Tcp, Udp }

public enum NotesStoreKind { Sqlite, Memory }

public enum ChatResponderKind { Console, Echo }

/// <summary>UDP reply rate limiting: <c>auto</c> turns it on whenever the server listens on an address other than loopback.</summary>
public enum RateLimitMode { Auto, On, Off }
