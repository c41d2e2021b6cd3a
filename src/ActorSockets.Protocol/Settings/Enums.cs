namespace ActorSockets.Protocol.Settings;

public enum ServiceKind { Sum, Notes, Chat }

public enum Transport { Tcp, Udp }

public enum NotesStoreKind { Sqlite, Memory }

public enum ChatResponderKind { Console, Echo }

/// <summary>UDP reply rate limiting: <c>auto</c> turns it on whenever the server listens on an address other than loopback.</summary>
public enum RateLimitMode { Auto, On, Off }

/// <summary>Mutual TLS between cluster nodes: <c>auto</c> requires it whenever <c>cluster.hostname</c> is not a loopback address.</summary>
public enum TlsMode { Auto, On, Off }

/// <summary>How the server writes its log: a line a person reads, or one JSON object a line for a log shipper.</summary>
public enum LogFormat { Text, Json }

/// <summary>The least severe log event written.</summary>
public enum LogLevelSetting { Debug, Info, Warning, Error }

/// <summary>How metrics reach an OpenTelemetry collector: OTLP over gRPC, or over HTTP with protobuf bodies.</summary>
public enum OtlpProtocol { Grpc, Http }
