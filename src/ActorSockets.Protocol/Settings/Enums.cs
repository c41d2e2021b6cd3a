namespace ActorSockets.Protocol.Settings;

public enum ServiceKind { Sum, Notes, Chat }

public enum Transport { Tcp, Udp }

public enum NotesStoreKind { Sqlite, Memory }

public enum ChatResponderKind { Console, Echo }
