namespace ActorSockets.Protocol.Notes;

/// <summary>One note on the board: ids are 1, 2, 3, … in the order the server accepted them.</summary>
public sealed record Note(long Id, string Text);
