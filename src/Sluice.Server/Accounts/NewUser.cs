using Sluice.Storage;

namespace Sluice.Server.Accounts;

/// <summary>A user and a password just generated for them: shown only now, stored only as a hash.</summary>
public sealed record NewUser(User User, string Password);
