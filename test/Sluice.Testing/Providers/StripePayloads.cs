using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Sluice.Testing.Providers;

/// <summary>
/// Stripe webhook events modelled on Stripe's API reference ("The Event object" and the objects it carries): <c>evt_</c> ids,
/// <c>api_version</c>, <c>request</c>, <c>type</c>, and <c>data.object</c> with its own <c>object</c> name (charge, invoice,
/// customer, subscription, payment_intent, checkout.session, product, price, payout, balance), lists as
/// <c>{object: "list", data: [...]}</c>, <c>previous_attributes</c> on updates, and user <c>metadata</c> with keys that collide
/// once named (<c>order_id</c>, <c>Order ID</c>, <c>order-id</c>). The <c>Stripe-Signature</c> header as Stripe signs it.
/// </summary>
public static class StripePayloads
{
    public static readonly string[] Types =
    [
        "charge.succeeded", "charge.refunded", "customer.created", "customer.updated", "customer.subscription.created",
        "customer.subscription.updated", "customer.subscription.deleted", "invoice.created", "invoice.paid", "invoice.payment_failed",
        "payment_intent.succeeded", "payment_intent.payment_failed", "checkout.session.completed", "product.created", "price.created",
        "payout.paid", "balance.available",
    ];

    public static IReadOnlyList<ProviderRequest> Stream(int count, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => Event(i, Types[i % Types.Length], random)).ToList();
    }

    private static string Id(string prefix, Random random) =>
        prefix + "_" + new string(Enumerable.Range(0, 24).Select(_ => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[random.Next(62)]).ToArray());

    private static ProviderRequest Event(int index, string type, Random random)
    {
        var created = 1_764_489_600L + (index * 37);
        var customer = Id("cus", random);
        JsonObject data = type.Split('.')[0] switch
        {
            "charge" => Charge(random, customer, created, refunded: type == "charge.refunded"),
            "customer" when type.StartsWith("customer.subscription", StringComparison.Ordinal) => Subscription(random, customer, created, type),
            "customer" => Customer(random, customer, created),
            "invoice" => Invoice(random, customer, created, type),
            "payment_intent" => PaymentIntent(random, customer, created, failed: type.EndsWith("failed", StringComparison.Ordinal)),
            "checkout" => new JsonObject
            {
                ["id"] = Id("cs_live", random), ["object"] = "checkout.session", ["amount_subtotal"] = 4_900, ["amount_total"] = 5_880,
                ["currency"] = "eur", ["customer"] = customer, ["customer_details"] = new JsonObject
                {
                    ["email"] = $"buyer{index}@example.com", ["name"] = "Jenny Rosen", ["phone"] = null, ["tax_exempt"] = "none",
                    ["address"] = Address(), ["tax_ids"] = new JsonArray(),
                },
                ["mode"] = "payment", ["payment_status"] = "paid", ["status"] = "complete", ["success_url"] = "https://shop.example/thanks?session_id={CHECKOUT_SESSION_ID}",
                ["cancel_url"] = "https://shop.example/cart", ["payment_intent"] = Id("pi", random), ["livemode"] = true, ["created"] = created,
                ["expires_at"] = created + 86_400, ["metadata"] = Metadata(index), ["total_details"] = new JsonObject { ["amount_discount"] = 0, ["amount_shipping"] = 0, ["amount_tax"] = 980 },
                ["automatic_tax"] = new JsonObject { ["enabled"] = true, ["liability"] = null, ["status"] = "complete" },
            },
            "product" => new JsonObject
            {
                ["id"] = Id("prod", random), ["object"] = "product", ["active"] = true, ["created"] = created, ["default_price"] = null,
                ["description"] = "Monthly box of teas", ["images"] = new JsonArray("https://files.stripe.com/links/tea.png"), ["livemode"] = true,
                ["metadata"] = new JsonObject(), ["name"] = "Tea Box", ["package_dimensions"] = null, ["shippable"] = true, ["statement_descriptor"] = null,
                ["tax_code"] = "txcd_99999999", ["unit_label"] = null, ["updated"] = created, ["url"] = null, ["marketing_features"] = new JsonArray(),
            },
            "price" => Price(random, created),
            "payout" => new JsonObject
            {
                ["id"] = Id("po", random), ["object"] = "payout", ["amount"] = 1_100_00 + index, ["arrival_date"] = created + 172_800, ["automatic"] = true,
                ["balance_transaction"] = Id("txn", random), ["created"] = created, ["currency"] = "eur", ["description"] = "STRIPE PAYOUT",
                ["destination"] = Id("ba", random), ["failure_balance_transaction"] = null, ["failure_code"] = null, ["failure_message"] = null,
                ["livemode"] = true, ["metadata"] = new JsonObject(), ["method"] = "standard", ["source_type"] = "card", ["statement_descriptor"] = null,
                ["status"] = "paid", ["type"] = "bank_account", ["reconciliation_status"] = "completed",
            },
            _ => new JsonObject
            {
                ["object"] = "balance", ["livemode"] = true,
                ["available"] = new JsonArray(new JsonObject { ["amount"] = 2_217_713 + index, ["currency"] = "eur", ["source_types"] = new JsonObject { ["bank_account"] = 0, ["card"] = 2_217_713 + index } }),
                ["pending"] = new JsonArray(new JsonObject { ["amount"] = 16_080, ["currency"] = "eur", ["source_types"] = new JsonObject { ["bank_account"] = 0, ["card"] = 16_080 } }),
                ["connect_reserved"] = new JsonArray(new JsonObject { ["amount"] = 0, ["currency"] = "eur" }),
            },
        };
        var dataObject = new JsonObject { ["object"] = data };
        if (type.EndsWith(".updated", StringComparison.Ordinal))
        {
            dataObject["previous_attributes"] = new JsonObject { ["metadata"] = new JsonObject { ["tier"] = "bronze" }, ["email"] = $"old{index}@example.com" };
        }

        var body = new JsonObject
        {
            ["id"] = Id("evt", random), ["object"] = "event", ["api_version"] = "2024-06-20", ["created"] = created, ["data"] = dataObject,
            ["livemode"] = true, ["pending_webhooks"] = 1 + (index % 2),
            ["request"] = new JsonObject { ["id"] = index % 3 == 0 ? null : Id("req", random), ["idempotency_key"] = index % 3 == 0 ? null : Guid.NewGuid().ToString() },
            ["type"] = type,
        }.ToJsonString();
        var signed = $"{created}.{body}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec_test_secret"), Encoding.UTF8.GetBytes(signed)));
        return new ProviderRequest(body, new Dictionary<string, string>
        {
            ["Stripe-Signature"] = string.Create(CultureInfo.InvariantCulture, $"t={created},v1={signature}"),
            ["User-Agent"] = "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        });
    }

    private static JsonObject Address() => new()
    {
        ["city"] = "Lisboa", ["country"] = "PT", ["line1"] = "Rua Augusta 27", ["line2"] = null, ["postal_code"] = "1100-048", ["state"] = null,
    };

    private static JsonObject Metadata(int index) => new()
    {
        ["order_id"] = $"A-{10_000 + index}", ["Order ID"] = $"A-{10_000 + index}", ["order-id"] = $"legacy-{index}", ["channel"] = "web",
    };

    private static JsonObject Charge(Random random, string customer, long created, bool refunded)
    {
        var id = Id("ch", random);
        var refunds = new JsonArray();
        if (refunded)
        {
            refunds.Add(new JsonObject
            {
                ["id"] = Id("re", random), ["object"] = "refund", ["amount"] = 2_000, ["charge"] = id, ["created"] = created + 60, ["currency"] = "eur",
                ["metadata"] = new JsonObject(), ["reason"] = "requested_by_customer", ["status"] = "succeeded",
            });
        }

        return new JsonObject
        {
            ["id"] = id, ["object"] = "charge", ["amount"] = 2_000, ["amount_captured"] = 2_000, ["amount_refunded"] = refunded ? 2_000 : 0,
            ["application"] = null, ["application_fee"] = null, ["balance_transaction"] = Id("txn", random),
            ["billing_details"] = new JsonObject { ["address"] = Address(), ["email"] = "jenny.rosen@example.com", ["name"] = "Jenny Rosen", ["phone"] = null },
            ["calculated_statement_descriptor"] = "SHOP.EXAMPLE", ["captured"] = true, ["created"] = created, ["currency"] = "eur", ["customer"] = customer,
            ["description"] = "Tea Box (monthly)", ["disputed"] = false, ["failure_code"] = null, ["failure_message"] = null, ["fraud_details"] = new JsonObject(),
            ["livemode"] = true, ["metadata"] = Metadata((int)(created % 1000)),
            ["outcome"] = new JsonObject
            {
                ["network_status"] = "approved_by_network", ["reason"] = null, ["risk_level"] = "normal", ["risk_score"] = 32, ["seller_message"] = "Payment complete.", ["type"] = "authorized",
            },
            ["paid"] = true, ["payment_intent"] = Id("pi", random), ["payment_method"] = Id("pm", random),
            ["payment_method_details"] = new JsonObject
            {
                ["card"] = new JsonObject
                {
                    ["amount_authorized"] = 2_000, ["brand"] = "visa", ["checks"] = new JsonObject { ["address_line1_check"] = "pass", ["address_postal_code_check"] = "pass", ["cvc_check"] = "pass" },
                    ["country"] = "PT", ["exp_month"] = 8, ["exp_year"] = 2028, ["fingerprint"] = "Xt5EWLLDS7FJjR1c", ["funding"] = "credit", ["last4"] = "4242",
                    ["network"] = "visa", ["three_d_secure"] = null, ["wallet"] = null,
                    ["extended_authorization"] = new JsonObject { ["status"] = "disabled" }, ["overcapture"] = new JsonObject { ["maximum_amount_capturable"] = 2_000, ["status"] = "unavailable" },
                },
                ["type"] = "card",
            },
            ["receipt_email"] = "jenny.rosen@example.com", ["receipt_url"] = "https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8xTTJK", ["refunded"] = refunded,
            ["refunds"] = new JsonObject { ["object"] = "list", ["data"] = refunds, ["has_more"] = false, ["total_count"] = refunds.Count, ["url"] = $"/v1/charges/{id}/refunds" },
            ["shipping"] = null, ["source_transfer"] = null, ["statement_descriptor"] = null, ["status"] = "succeeded", ["transfer_group"] = null,
        };
    }

    private static JsonObject Customer(Random random, string customer, long created) => new()
    {
        ["id"] = customer, ["object"] = "customer", ["address"] = Address(), ["balance"] = 0, ["created"] = created, ["currency"] = "eur",
        ["default_source"] = null, ["delinquent"] = false, ["description"] = null, ["discount"] = null, ["email"] = "jenny.rosen@example.com",
        ["invoice_prefix"] = "0759376C", ["invoice_settings"] = new JsonObject { ["custom_fields"] = null, ["default_payment_method"] = null, ["footer"] = null, ["rendering_options"] = null },
        ["livemode"] = true, ["metadata"] = new JsonObject { ["tier"] = "gold", ["crm-id"] = "0031U00001abcD" }, ["name"] = "Jenny Rosen", ["next_invoice_sequence"] = 1,
        ["phone"] = null, ["preferred_locales"] = new JsonArray("pt-PT", "en"), ["shipping"] = null, ["tax_exempt"] = "none", ["test_clock"] = null,
    };

    private static JsonObject Price(Random random, long created) => new()
    {
        ["id"] = Id("price", random), ["object"] = "price", ["active"] = true, ["billing_scheme"] = "per_unit", ["created"] = created, ["currency"] = "eur",
        ["custom_unit_amount"] = null, ["livemode"] = true, ["lookup_key"] = null, ["metadata"] = new JsonObject(), ["nickname"] = null, ["product"] = Id("prod", random),
        ["recurring"] = new JsonObject { ["aggregate_usage"] = null, ["interval"] = "month", ["interval_count"] = 1, ["meter"] = null, ["trial_period_days"] = null, ["usage_type"] = "licensed" },
        ["tax_behavior"] = "inclusive", ["tiers_mode"] = null, ["transform_quantity"] = null, ["type"] = "recurring", ["unit_amount"] = 1_900, ["unit_amount_decimal"] = "1900",
    };

    private static JsonObject Subscription(Random random, string customer, long created, string type)
    {
        var id = Id("sub", random);
        return new JsonObject
        {
            ["id"] = id, ["object"] = "subscription", ["application"] = null, ["billing_cycle_anchor"] = created, ["cancel_at"] = null,
            ["cancel_at_period_end"] = false, ["canceled_at"] = type.EndsWith("deleted", StringComparison.Ordinal) ? created : null,
            ["cancellation_details"] = new JsonObject { ["comment"] = null, ["feedback"] = null, ["reason"] = null }, ["collection_method"] = "charge_automatically",
            ["created"] = created, ["currency"] = "eur", ["current_period_end"] = created + 2_592_000, ["current_period_start"] = created, ["customer"] = customer,
            ["default_payment_method"] = Id("pm", random), ["discount"] = null, ["ended_at"] = null,
            ["items"] = new JsonObject
            {
                ["object"] = "list", ["has_more"] = false, ["total_count"] = 1, ["url"] = $"/v1/subscription_items?subscription={id}",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = Id("si", random), ["object"] = "subscription_item", ["created"] = created, ["metadata"] = new JsonObject(), ["price"] = Price(random, created),
                    ["quantity"] = 1, ["subscription"] = id, ["tax_rates"] = new JsonArray(), ["discounts"] = new JsonArray(),
                }),
            },
            ["latest_invoice"] = Id("in", random), ["livemode"] = true, ["metadata"] = new JsonObject { ["plan-name"] = "Tea Box" }, ["status"] = type.EndsWith("deleted", StringComparison.Ordinal) ? "canceled" : "active",
            ["trial_end"] = null, ["trial_start"] = null, ["automatic_tax"] = new JsonObject { ["enabled"] = false, ["liability"] = null },
        };
    }

    private static JsonObject Invoice(Random random, string customer, long created, string type)
    {
        var id = Id("in", random);
        var lines = new JsonArray();
        for (var i = 0; i < 2; i++)
        {
            lines.Add(new JsonObject
            {
                ["id"] = Id("il", random), ["object"] = "line_item", ["amount"] = 1_900, ["currency"] = "eur", ["description"] = $"1 × Tea Box (at €19.00 / month)",
                ["discount_amounts"] = new JsonArray(), ["discountable"] = true, ["discounts"] = new JsonArray(), ["invoice"] = id, ["livemode"] = true,
                ["metadata"] = new JsonObject(), ["period"] = new JsonObject { ["end"] = created + 2_592_000, ["start"] = created },
                ["plan"] = new JsonObject { ["id"] = Id("price", random), ["object"] = "plan", ["active"] = true, ["amount"] = 1_900, ["interval"] = "month", ["product"] = Id("prod", random) },
                ["price"] = Price(random, created), ["proration"] = false, ["quantity"] = 1, ["type"] = "subscription",
                ["tax_amounts"] = new JsonArray(new JsonObject { ["amount"] = 355, ["inclusive"] = true, ["tax_rate"] = Id("txr", random), ["taxability_reason"] = "standard_rated" }),
            });
        }

        return new JsonObject
        {
            ["id"] = id, ["object"] = "invoice", ["account_country"] = "PT", ["account_name"] = "Shop Example", ["amount_due"] = 3_800,
            ["amount_paid"] = type == "invoice.paid" ? 3_800 : 0, ["amount_remaining"] = type == "invoice.paid" ? 0 : 3_800, ["attempt_count"] = type.EndsWith("failed", StringComparison.Ordinal) ? 2 : 1,
            ["attempted"] = type != "invoice.created", ["billing_reason"] = "subscription_cycle", ["collection_method"] = "charge_automatically", ["created"] = created,
            ["currency"] = "eur", ["customer"] = customer, ["customer_email"] = "jenny.rosen@example.com", ["customer_address"] = Address(),
            ["hosted_invoice_url"] = "https://invoice.stripe.com/i/acct_1M2J/test", ["invoice_pdf"] = "https://pay.stripe.com/invoice/acct_1M2J/test/pdf",
            ["lines"] = new JsonObject { ["object"] = "list", ["data"] = lines, ["has_more"] = false, ["total_count"] = 2, ["url"] = $"/v1/invoices/{id}/lines" },
            ["livemode"] = true, ["metadata"] = new JsonObject(), ["number"] = $"0759376C-{created % 10_000:D4}", ["paid"] = type == "invoice.paid",
            ["period_end"] = created, ["period_start"] = created - 2_592_000, ["status"] = type == "invoice.paid" ? "paid" : "open",
            ["status_transitions"] = new JsonObject { ["finalized_at"] = created, ["marked_uncollectible_at"] = null, ["paid_at"] = type == "invoice.paid" ? created : null, ["voided_at"] = null },
            ["subtotal"] = 3_800, ["tax"] = 710, ["total"] = 3_800, ["total_tax_amounts"] = new JsonArray(), ["webhooks_delivered_at"] = created,
        };
    }

    private static JsonObject PaymentIntent(Random random, string customer, long created, bool failed) => new()
    {
        ["id"] = Id("pi", random), ["object"] = "payment_intent", ["amount"] = 2_000, ["amount_capturable"] = 0, ["amount_received"] = failed ? 0 : 2_000,
        ["automatic_payment_methods"] = new JsonObject { ["allow_redirects"] = "always", ["enabled"] = true }, ["canceled_at"] = null, ["capture_method"] = "automatic",
        ["client_secret"] = "pi_secret_redacted", ["confirmation_method"] = "automatic", ["created"] = created, ["currency"] = "eur", ["customer"] = customer,
        ["description"] = null, ["last_payment_error"] = failed
            ? new JsonObject
            {
                ["code"] = "card_declined", ["decline_code"] = "insufficient_funds", ["doc_url"] = "https://stripe.com/docs/error-codes/card-declined",
                ["message"] = "Your card has insufficient funds.", ["type"] = "card_error",
            }
            : null,
        ["latest_charge"] = Id("ch", random), ["livemode"] = true, ["metadata"] = new JsonObject { ["cart"] = "c-991" }, ["payment_method"] = Id("pm", random),
        ["payment_method_options"] = new JsonObject { ["card"] = new JsonObject { ["installments"] = null, ["mandate_options"] = null, ["network"] = null, ["request_three_d_secure"] = "automatic" } },
        ["payment_method_types"] = new JsonArray("card", "multibanco"), ["status"] = failed ? "requires_payment_method" : "succeeded",
    };
}
