<?cs # bench/basket.cs - templates/ws_basket.htm written for ClearSilver,
  for bench/bench_render.c.  The page it renders must be byte for byte the
  one wsvoucher renders from templates/ws_basket.htm with the same data:
  the benchmark compares the two and refuses to report when they differ,
  so change both together.  Every var is HTML-escaped, as wsvoucher
  escapes every ~VALUE~: bench_render.c sets Config.VarEscapeMode = html
  before cs_init (ClearSilver 0.10.5's escape: "html" block does not
  reach the vars inside an each loop, so it is not used here).  The HDF
  names (Shop., Msg., Basket.) are made by bench_render.c. ?><!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Warenkorb – Muster-Shop</title>
<!-- ws_basket.htm: the basket with its lines, the active vouchers and the
     voucher code input (when VoucherInputLocation = basket). -->
<style>
  body { margin: 0; font: 16px/1.5 Georgia, "Times New Roman", serif; color: #222; }
  .shop-header { display: flex; justify-content: space-between; align-items: center; padding: .75rem 1.5rem; border-bottom: 3px solid #b3261e; }
  .shop-header a { color: inherit; text-decoration: none; }
  .logo { font-size: 1.6rem; font-weight: bold; }
  main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
  table.basket { width: 100%; border-collapse: collapse; }
  .basket th, .basket td { padding: .4rem .5rem; border-bottom: 1px solid #e5e5e5; text-align: left; vertical-align: top; }
  .basket .num { text-align: right; white-space: nowrap; }
  .basket tfoot th { font-weight: normal; text-align: right; }
  .basket .voucher th, .basket .voucher td { color: #1b6b2f; }
  .basket .due th, .basket .due td { font-weight: bold; font-size: 1.1rem; border-top: 2px solid #222; }
  .basket .total th, .basket .total td { font-weight: bold; }
  .gutschein-summe { display: grid; grid-template-columns: auto auto; justify-content: end; gap: .25rem 1rem; color: #1b6b2f; }
  .gutschein-summe dd { margin: 0; text-align: right; }
  .hinweis { font-size: .85rem; color: #8a5a00; }
  .msg { margin: 1rem 0; padding: .75rem 1rem; border-radius: .35rem; }
  .msg-error { background: #fdecea; border: 1px solid #e0a39c; }
  form.inline { display: inline; }
  .voucher-input { margin: 1.5rem 0; padding: 1rem; background: #f6f6f6; border-radius: .35rem; }
  .voucher-input label { display: block; margin-bottom: .25rem; font-weight: bold; }
  .button { display: inline-block; padding: .5rem 1.25rem; background: #b3261e; color: #fff; text-decoration: none; border: 0; border-radius: .25rem; }
  .link-button { background: none; border: 0; padding: 0; color: #b3261e; text-decoration: underline; cursor: pointer; font: inherit; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
</style>
</head>
<body>
<header class="shop-header">
  <a class="logo" href="./">Muster-Shop</a>
  <nav aria-label="Hauptnavigation"><a href="./">Weiter einkaufen</a></nav>
</header>

<main id="inhalt">
<h1>Ihr Warenkorb</h1>
<?cs if:Msg.VoucherError ?>
<div class="msg msg-error" role="alert">
  <p><?cs var:Msg.VoucherErrorText ?></p>
  <?cs if:Msg.VoucherError == 13 ?><p>Die Aktion ist leider beendet. Unsere aktuellen Angebote finden Sie auf der <a href="./">Startseite</a>.</p><?cs /if ?>
  <?cs if:Msg.VoucherError == 17 ?><p><a href="?page=login">Zur Anmeldung</a> – danach können Sie den Gutschein hier erneut eingeben.</p><?cs /if ?>
  <?cs if:Msg.VoucherError == 18 ?><p>Nur das Kundenkonto, mit dem der Gutschein zuerst eingelöst wurde, kann ihn verwenden. Haben Sie mehrere Konten? Dann melden Sie sich bitte mit diesem Konto an.</p><?cs /if ?>
  <?cs if:Msg.VoucherError == 19 ?><p>Eine Reservierung für eine andere Bestellung oder an einer Ladenkasse gilt bis zu 24&nbsp;Stunden. Haben Sie den Gutschein gerade in einem anderen Fenster eingegeben, entfernen Sie ihn dort mit „Gutschein löschen“.</p><?cs /if ?>
</div>
<?cs /if ?>
<?cs if:Basket.IsEmpty ?>
<p>Ihr Warenkorb ist leer. <a href="./">Jetzt einkaufen</a></p>
<?cs /if ?>
<?cs if:!Basket.IsEmpty ?>
<table class="basket">
<caption class="visually-hidden">Artikel in Ihrem Warenkorb (<?cs var:Basket.ItemCount ?> Positionen)</caption>
<thead>
<tr><th scope="col">Artikel</th><th scope="col" class="num">Menge</th><th scope="col" class="num">Einzelpreis</th><th scope="col" class="num">Gesamtpreis</th></tr>
</thead>
<tbody>
<?cs each:item = Basket.Items ?>
<tr>
<td><?cs var:item.Name ?><?cs if:!item.Eligible ?><br><span class="hinweis">nicht rabattfähig</span><?cs /if ?></td>
<td class="num"><?cs var:item.Quantity ?></td>
<td class="num"><?cs var:item.UnitPrice ?></td>
<td class="num"><?cs var:item.Price ?></td>
</tr>
<?cs /each ?>
</tbody>
<tfoot>
<tr><th scope="row" colspan="3">Zwischensumme</th><td class="num"><?cs var:Basket.Subtotal ?></td></tr>
<tr><th scope="row" colspan="3">Versand- und Zusatzkosten</th><td class="num"><?cs var:Basket.ExtraCosts ?></td></tr>
<?cs each:v = Basket.Vouchers ?><?cs if:v.IsPromotional ?>
<tr class="voucher">
<th scope="row" colspan="3">
Werbegutschein <?cs var:v.Number ?><?cs if:v.IsPercent ?> (<?cs var:v.Value ?> auf rabattfähige Artikel)<?cs /if ?>
<form class="inline" method="post" action="?action=voucher_remove">
<input type="hidden" name="csrf" value="<?cs var:Shop.CSRFToken ?>">
<input type="hidden" name="<?cs var:Shop.VoucherInputName ?>" value="<?cs var:v.Number ?>">
<button type="submit" class="link-button" aria-label="Gutschein <?cs var:v.Number ?> löschen">Gutschein löschen</button>
</form>
</th>
<td class="num"><?cs if:v.Deduction ?>−&nbsp;<?cs var:v.Deduction ?><?cs /if ?><?cs if:!v.Deduction ?><span class="hinweis">kein Abzug</span><?cs /if ?></td>
</tr>
<?cs /if ?><?cs /each ?>
<tr class="total"><th scope="row" colspan="3">Gesamtsumme</th><td class="num"><?cs var:Basket.Total ?></td></tr>
<?cs each:v = Basket.Vouchers ?><?cs if:v.IsValue ?>
<tr class="voucher">
<th scope="row" colspan="3">
Geschenkgutschein <?cs var:v.Number ?><?cs if:v.Balance ?> (Guthaben <?cs var:v.Balance ?>)<?cs /if ?>
<form class="inline" method="post" action="?action=voucher_remove">
<input type="hidden" name="csrf" value="<?cs var:Shop.CSRFToken ?>">
<input type="hidden" name="<?cs var:Shop.VoucherInputName ?>" value="<?cs var:v.Number ?>">
<button type="submit" class="link-button" aria-label="Gutschein <?cs var:v.Number ?> löschen">Gutschein löschen</button>
</form>
</th>
<td class="num"><?cs if:v.Deduction ?>−&nbsp;<?cs var:v.Deduction ?><?cs /if ?><?cs if:!v.Deduction ?><span class="hinweis">kein Abzug</span><?cs /if ?></td>
</tr>
<?cs /if ?><?cs /each ?>
<tr class="due"><th scope="row" colspan="3">Zu zahlen</th><td class="num"><?cs var:Basket.Due ?></td></tr>
</tfoot>
</table>
<?cs if:Basket.HasVouchers ?>
<dl class="gutschein-summe">
<?cs if:Basket.Discount ?><dt>Ihr Rabatt durch Werbegutscheine</dt><dd><?cs var:Basket.Discount ?></dd><?cs /if ?>
<?cs if:Basket.PaidByVouchers ?><dt>Mit Geschenkgutscheinen bezahlt</dt><dd><?cs var:Basket.PaidByVouchers ?></dd><?cs /if ?>
</dl>
<?cs /if ?>
<?cs if:Shop.VoucherInputIsBasket ?>
<form class="voucher-input" method="post" action="?action=voucher_add">
<input type="hidden" name="csrf" value="<?cs var:Shop.CSRFToken ?>">
<label for="gutscheincode"><?cs var:Shop.VoucherName ?>-Code</label>
<input type="text" id="gutscheincode" name="<?cs var:Shop.VoucherInputName ?>" maxlength="200" autocomplete="off" spellcheck="false" aria-describedby="gutscheincode-hilfe">
<button type="submit" class="button">Einlösen</button>
<p id="gutscheincode-hilfe" class="hinweis"><?cs if:Shop.MultiVoucherAllowed ?>Sie können mehrere Gutscheine in einer Bestellung einlösen. <?cs /if ?>Werbegutscheine gelten nicht für preisgebundene Artikel.</p>
</form>
<?cs /if ?>
<p><a class="button" href="?page=place_order">Zur Kasse</a></p>
<?cs /if ?>
</main>

<footer>
  <p>Alle Preise inkl. MwSt.</p>
</footer>
</body>
</html>
