using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Sluice.Server.Hooks;

namespace Sluice.Server.Deliveries;

/// <summary>
/// <see cref="HooksOptions.TrustedCertificatePath"/>: CA certificates (PEM) trusted for hook connections in addition to the
/// system store, e.g. a development receiver's self-signed certificate. The host name must still match.
/// </summary>
public sealed class HookCertificateTrust
{
    private readonly X509Certificate2Collection _roots = [];

    public HookCertificateTrust(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Hooks:TrustedCertificatePath '{path}' does not exist; give a PEM file with one or more CA certificates.");
        }

        _roots.ImportFromPemFile(path);
        if (_roots.Count == 0)
        {
            throw new InvalidOperationException($"Hooks:TrustedCertificatePath '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }
    }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }
}
