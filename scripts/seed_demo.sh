#!/usr/bin/env bash
# Seeds the demo marketplace through the public HTTP API, idempotently:
#   scripts/seed_demo.sh <base url> <admin email> <admin password>
# Four approved sellers with Indonesian brands and ~50 active products with variants in
# fashion, beauty, home and food (ids of the category tree, data/categories.tsv). Skus are
# fixed, so a second run finds them taken (409) and
# skips them. Then the social side: three shoppers, posts by sellers and shoppers tagging the
# products, follows, likes and comments (posts only for accounts that have none yet, follows and
# likes are idempotent), so the feeds are alive on first start. Retries 503 while the cluster is
# still linking. Needs curl and jq.
set -euo pipefail

base=${1:?usage: seed_demo.sh <base url> <admin email> <admin password>}
admin_email=${2:?}
admin_password=${3:?}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# call METHOD PATH [TOKEN] [BODY] -> prints the status; the body lands in $out.
call() {
  local method=$1 path=$2 token=${3:-} body=${4:-} code deadline=$((SECONDS + 30))
  local args=(--noproxy '*' -s -o "$out" -w '%{http_code}' --max-time 30 -X "$method")
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  while :; do
    code=$(curl "${args[@]}" "$base$path") || code=000
    [ "$code" = 503 ] && [ $SECONDS -lt $deadline ] || break
    sleep 0.3
  done
  echo "$code"
}

fail() {
  echo "seed_demo: $*: $(head -c 300 "$out")" >&2
  exit 1
}

login() { # email password -> access token
  local code
  code=$(call POST /v1/auth/login "" "$(jq -cn --arg e "$1" --arg p "$2" '{email:$e,password:$p}')")
  [ "$code" = 200 ] || fail "login of $1 answered $code"
  jq -r .access_token "$out"
}

admin=$(login "$admin_email" "$admin_password")

# seller key | brand | instagram | acquisition source | origin city (reference data: where parcels
# leave from; Surakarta, Yogyakarta, Jepara, Bandung)
sellers='sekar|Batik Sekar Arum|batiksekararum|bazaar|3372
jamu|Jamu Ayu Nusantara|jamuayu|organic|3471
rumah|Rumah Rotan Jepara|rumahrotanjepara|referral|3320
dapur|Dapur Mak Ijah|dapurmakijah|bazaar|3273'

# seller key | sku stem | title | category | price (IDR) | option name | option values | stock each
products='sekar|BSA-KMJ|Kemeja Batik Parang Lengan Panjang|fashion.batik|350000|size|S,M,L,XL|12
sekar|BSA-KBY|Kebaya Encim Bordir Kupu|fashion.kebaya|425000|size|S,M,L|6
sekar|BSA-SRG|Sarung Batik Tulis Pekalongan|fashion.batik|275000|motif|Mega Mendung,Kawung|9
sekar|BSA-OUT|Outer Batik Cap Sogan|fashion.batik|299000|size|M,L|10
sekar|BSA-DRS|Dress Batik Lasem Merah|fashion.batik|389000|size|S,M,L|7
sekar|BSA-SYL|Selendang Batik Sutra|fashion.aksesoris|210000|warna|Indigo,Soga|15
sekar|BSA-CLN|Celana Kulot Batik|fashion.batik|185000|size|S,M,L,XL|20
sekar|BSA-TAS|Tas Tote Kain Batik|fashion.aksesoris|145000|warna|Coklat,Biru|18
sekar|BSA-MSK|Masker Kain Batik 3 Lapis|fashion.aksesoris|25000|isi|1,5|100
sekar|BSA-IKT|Ikat Kepala Blangkon Solo|fashion.aksesoris|120000|size|56,58|8
sekar|BSA-KOK|Koko Batik Anak|fashion.batik|135000|size|4,6,8,10|14
sekar|BSA-SPT|Sepatu Slip-on Batik|fashion.batik|229000|size|39,40,41,42|9
sekar|BSA-DMP|Dompet Batik Kulit|fashion.aksesoris|99000|warna|Hitam,Coklat|25
jamu|JAN-KNS|Jamu Kunyit Asam Botol|kesehatan.jamu_herbal|18000|isi|250ml,500ml|60
jamu|JAN-BRS|Beras Kencur Segar|kesehatan.jamu_herbal|18000|isi|250ml,500ml|60
jamu|JAN-LLR|Lulur Mandi Bengkoang|kecantikan.perawatan_tubuh|65000|isi|100g,250g|40
jamu|JAN-MSK|Masker Wajah Temulawak|kecantikan.skincare|55000|isi|50g,100g|35
jamu|JAN-MNY|Minyak Kemiri Penumbuh Rambut|kecantikan.perawatan_rambut|49000|isi|60ml,100ml|50
jamu|JAN-SBN|Sabun Sereh Wangi Handmade|kecantikan.perawatan_tubuh|28000|aroma|Sereh,Melati|80
jamu|JAN-LPS|Lip Balm Madu Hutan|kecantikan.kosmetik|35000|rasa|Madu,Stroberi|70
jamu|JAN-TNR|Toner Air Mawar|kecantikan.skincare|59000|isi|100ml|45
jamu|JAN-SRM|Serum Kopi Arabika Gayo|kecantikan.skincare|119000|isi|20ml|30
jamu|JAN-BDY|Body Butter Kelapa|kecantikan.perawatan_tubuh|79000|isi|100g,200g|25
jamu|JAN-WDG|Wedang Uwuh Celup|kesehatan.jamu_herbal|32000|isi|10 sachet,20 sachet|90
jamu|JAN-AMN|Aromaterapi Minyak Nilam|kecantikan.parfum|69000|isi|10ml,30ml|40
rumah|RRJ-KRS|Kursi Rotan Teras|rumah_tangga.furnitur|1250000|warna|Natural,Coklat Tua|5
rumah|RRJ-MJA|Meja Kopi Jati Bundar|rumah_tangga.furnitur|1850000|diameter|60cm,80cm|3
rumah|RRJ-KRJ|Keranjang Anyaman Pandan|kerajinan.anyaman|85000|size|S,M,L|30
rumah|RRJ-LMP|Lampu Gantung Bambu|rumah_tangga.dekorasi|245000|diameter|30cm,45cm|12
rumah|RRJ-TKR|Tikar Mendong Lipat|kerajinan.anyaman|175000|size|120x180,160x200|15
rumah|RRJ-CRM|Cermin Bingkai Rotan|rumah_tangga.dekorasi|320000|diameter|50cm,70cm|8
rumah|RRJ-VAS|Vas Gerabah Kasongan|kerajinan.gerabah|95000|tinggi|20cm,35cm|20
rumah|RRJ-TAT|Tatakan Piring Eceng Gondok|rumah_tangga.peralatan_makan|60000|isi|4,6|40
rumah|RRJ-RAK|Rak Dinding Kayu Mahoni|rumah_tangga.penyimpanan|210000|panjang|60cm,90cm|10
rumah|RRJ-SRB|Sarung Bantal Tenun Troso|rumah_tangga.kamar_tidur|110000|warna|Merah,Biru,Hijau|25
rumah|RRJ-BKS|Bakul Nasi Bambu|rumah_tangga.dapur|45000|size|Kecil,Besar|35
rumah|RRJ-GLS|Gelas Kaca Daur Ulang|rumah_tangga.peralatan_makan|55000|isi|2,4|30
dapur|DMI-SBL|Sambal Bawang Bu Ijah|makanan_minuman.sambal|35000|level|Sedang,Pedas,Extra Pedas|80
dapur|DMI-RDG|Rendang Daging Kemasan|makanan_minuman.makanan_beku|125000|isi|250g,500g|25
dapur|DMI-KRP|Keripik Singkong Balado|makanan_minuman.camilan|22000|isi|150g,300g|100
dapur|DMI-KPI|Kopi Bubuk Toraja|makanan_minuman.kopi|78000|isi|200g,500g|40
dapur|DMI-TEH|Teh Tubruk Slawi|makanan_minuman.teh|25000|isi|100g,250g|60
dapur|DMI-ABN|Abon Sapi Manis|makanan_minuman.bahan_pokok|65000|isi|100g,250g|30
dapur|DMI-DDL|Dodol Garut Aneka Rasa|makanan_minuman.kue|30000|rasa|Durian,Wijen,Nangka|50
dapur|DMI-GLA|Gula Aren Cair|makanan_minuman.bahan_pokok|39000|isi|250ml,500ml|45
dapur|DMI-EMP|Empal Gentong Beku|makanan_minuman.makanan_beku|55000|isi|1 porsi,3 porsi|20
dapur|DMI-BKS|Bakso Sapi Frozen|makanan_minuman.makanan_beku|60000|isi|25 butir,50 butir|35
dapur|DMI-KRK|Kerupuk Udang Sidoarjo|makanan_minuman.camilan|28000|isi|250g,500g|70
dapur|DMI-BWG|Bawang Goreng Brebes|makanan_minuman.bahan_pokok|33000|isi|100g,200g|55
dapur|DMI-MDU|Madu Hutan Sumbawa|makanan_minuman.minuman|95000|isi|250ml,500ml|30'

declare -A seller_ids
while IFS='|' read -r key brand instagram source origin; do
  email="$key@demo.lakoo.local"
  password="demo-$key-password"
  code=$(call POST /v1/auth/register "" "$(jq -cn --arg e "$email" --arg p "$password" --arg n "$brand" '{email:$e,password:$p,name:$n}')")
  case $code in 201 | 409) ;; *) fail "registering $email answered $code" ;; esac
  token=$(login "$email" "$password")
  [ "$(call GET /v1/me "$token")" = 200 ] || fail "GET /v1/me for $email"
  id=$(jq -r '.seller_id // empty' "$out")
  if [ -z "$id" ]; then
    code=$(call POST /v1/sellers "$token" "$(jq -cn --arg b "$brand" --arg i "$instagram" --arg s "$source" \
      '{brand_name:$b,instagram_handle:$i,acquisition_source:$s,bio:"Produk asli Indonesia"}')")
    [ "$code" = 201 ] || fail "seller application of $email answered $code"
    id=$(jq -r .id "$out")
  fi
  code=$(call POST "/v1/admin/sellers/$id/approve" "$admin")
  [ "$code" = 200 ] || fail "approving seller $id answered $code"
  code=$(call PATCH "/v1/sellers/$id" "$token" "$(jq -cn --arg c "$origin" '{origin_city_id:$c}')")
  [ "$code" = 200 ] || fail "setting the origin of seller $id answered $code"
  [ "$(call GET /v1/me "$token")" = 200 ] || fail "GET /v1/me for $email"
  seller_ids[$key]="$id|$token|$(jq -r .id "$out")"
done <<<"$sellers"

created=0 existing=0
while IFS='|' read -r key stem title category price option values stock; do
  IFS='|' read -r seller token _ <<<"${seller_ids[$key]}"
  body=$(jq -cn --arg t "$title" --arg c "$category" --arg stem "$stem" --argjson price "$price" \
    --arg option "$option" --arg values "$values" --argjson stock "$stock" '
    { title: $t, category: $c,
      description: ($t + " — buatan tangan, dikirim dari Indonesia."),
      images: ["https://img.lakoo.local/demo/" + ($stem | ascii_downcase) + "-1.jpg",
               "https://img.lakoo.local/demo/" + ($stem | ascii_downcase) + "-2.jpg"],
      variants: [ $values | split(",") | to_entries[] |
        { sku: ($stem + "-" + (.key + 1 | tostring)), price: ($price + .key * 10000),
          stock: $stock, options: { ($option): .value } } ] }')
  code=$(call POST "/v1/sellers/$seller/products" "$token" "$body")
  case $code in
    201)
      id=$(jq -r .id "$out")
      [ "$(call POST "/v1/products/$id/submit" "$token")" = 200 ] || fail "submitting $id"
      [ "$(call POST "/v1/admin/products/$id/approve" "$admin")" = 200 ] || fail "approving $id"
      created=$((created + 1))
      ;;
    409) existing=$((existing + 1)) ;; # its skus exist: seeded by an earlier run
    *) fail "creating $title answered $code" ;;
  esac
done <<<"$products"
echo "demo catalog: $(wc -l <<<"$sellers") sellers, $created products created, $existing already there"

# -- social: shoppers, posts with product tags, follows, likes, comments ---------------------------

# find_product SHOP WORDS -> the id of the shop's listed product matching WORDS (the listing is
# fed from committed changes within a fraction of a second: retried briefly).
find_product() {
  local seller deadline=$((SECONDS + 20)) id q
  IFS='|' read -r seller _ _ <<<"${seller_ids[$1]}"
  q=$(jq -rn --arg w "$2" '$w | @uri')
  while :; do
    [ "$(call GET "/v1/products?seller_id=$seller&q=$q&limit=1")" = 200 ] || fail "search of $2"
    id=$(jq -r '.items[0].id // empty' "$out")
    [ -n "$id" ] || [ $SECONDS -ge $deadline ] && break
    sleep 0.3
  done
  [ -n "$id" ] || fail "no listed product of $1 matches '$2'"
  echo "$id"
}

# shopper key | name | bio
shoppers='sinta|Sinta Wulandari|Suka batik dan kopi lokal
rani|Rani Pratiwi|Skincare jamu, rumah estetik
bayu|Bayu Nugroho|Pecinta kuliner Nusantara'

declare -A user_token user_id
while IFS='|' read -r key name bio; do
  email="$key@demo.lakoo.local"
  password="demo-$key-password"
  code=$(call POST /v1/auth/register "" "$(jq -cn --arg e "$email" --arg p "$password" --arg n "$name" '{email:$e,password:$p,name:$n}')")
  case $code in 201 | 409) ;; *) fail "registering $email answered $code" ;; esac
  user_token[$key]=$(login "$email" "$password")
  call PATCH /v1/me "${user_token[$key]}" "$(jq -cn --arg b "$bio" '{bio:$b}')" >/dev/null
  user_id[$key]=$(jq -r .id "$out")
done <<<"$shoppers"
for key in sekar jamu rumah dapur; do
  IFS='|' read -r _ token uid <<<"${seller_ids[$key]}"
  user_token[$key]=$token
  user_id[$key]=$uid
done

# author key | caption | hashtags (comma-separated) | tagged products as shop:title words (';'-separated)
posts='sekar|Koleksi batik parang terbaru, dijahit tangan di Solo.|batik,ootd|sekar:kemeja parang;sekar:selendang sutra
sekar|Kebaya encim untuk kondangan akhir pekan.|kebaya,kondangan|sekar:kebaya encim
sekar|Padu padan outer batik dengan kulot, nyaman seharian.|batik,kerja|sekar:outer sogan;sekar:kulot
jamu|Ritual pagi: kunyit asam dingin dan lulur bengkoang.|jamu,selfcare|jamu:kunyit asam;jamu:lulur bengkoang
jamu|Serum kopi Gayo, wangi dan bikin segar.|skincare,kopi|jamu:serum kopi
rumah|Sudut teras dengan kursi rotan Jepara.|rumah,rotan|rumah:kursi rotan;rumah:lampu bambu
rumah|Keranjang pandan buat dapur rapi.|rumah,anyaman|rumah:keranjang pandan
dapur|Sambal bawang level extra pedas, siap kirim!|sambal,kuliner|dapur:sambal bawang
dapur|Rendang kemasan untuk oleh-oleh.|rendang,kuliner|dapur:rendang;dapur:abon
sinta|OOTD ke kantor: kemeja batik + tote kain.|ootd,batik|sekar:kemeja parang;sekar:tote
rani|Me time sore ini pakai masker temulawak.|selfcare|jamu:masker temulawak;rumah:sarung bantal
bayu|Sarapan kopi Toraja dan keripik balado.|kuliner,kopi|dapur:kopi toraja;dapur:keripik balado'

declare -A has_posts
for key in "${!user_id[@]}"; do
  [ "$(call GET "/v1/users/${user_id[$key]}")" = 200 ] || fail "profile of $key"
  has_posts[$key]=$(jq -r '.post_count > 0' "$out")
done

post_ids=()
made=0
while IFS='|' read -r key caption tags tagged; do
  [ "${has_posts[$key]}" = true ] && continue
  tag_json='[]'
  i=0
  IFS=';' read -r -a refs <<<"$tagged"
  for ref in "${refs[@]}"; do
    product=$(find_product "${ref%%:*}" "${ref#*:}")
    tag_json=$(jq -c --arg p "$product" --argjson x "0.$((3 + i * 3))" --argjson y "0.$((4 + i * 2))"       '. + [{product_id:$p,x:$x,y:$y}]' <<<"$tag_json")
    i=$((i + 1))
  done
  body=$(jq -cn --arg c "$caption" --arg h "$tags" --argjson t "$tag_json" --arg m "$key-$made" '
    {caption:$c, hashtags:($h | split(",")), product_tags:$t,
     media_urls:["https://img.lakoo.local/demo/posts/" + $m + ".jpg"]}')
  code=$(call POST /v1/posts "${user_token[$key]}" "$body")
  [ "$code" = 201 ] || fail "post by $key answered $code"
  post_ids+=("$(jq -r .id "$out")|$key")
  made=$((made + 1))
done <<<"$posts"

# Follows: every shopper follows some shops and each other (idempotent).
follows='sinta sekar jamu dapur rani
rani jamu rumah sinta
bayu dapur rumah sinta sekar'
while read -r who whoms; do
  for whom in $whoms; do
    code=$(call POST "/v1/users/${user_id[$whom]}/follow" "${user_token[$who]}")
    [ "$code" = 200 ] || fail "$who following $whom answered $code"
  done
done <<<"$follows"

# Likes and comments on the posts made now (a re-run made none, so nothing doubles).
comments=("Cantik banget!" "Sudah checkout, nggak sabar!" "Ini ada ukuran XL?" "Mantap, langganan terus.")
n=0
for entry in "${post_ids[@]}"; do
  IFS='|' read -r post author <<<"$entry"
  for liker in sinta rani bayu; do
    [ "$liker" = "$author" ] && continue
    [ $(((n + ${#liker}) % 3)) -eq 0 ] && continue # not everyone likes everything
    [ "$(call POST "/v1/posts/$post/like" "${user_token[$liker]}")" = 200 ] || fail "like of $post"
  done
  commenters=(sinta rani bayu)
  commenter=${commenters[$((n % 3))]}
  [ "$commenter" = "$author" ] && commenter=${commenters[$(((n + 1) % 3))]}
  body=$(jq -cn --arg b "${comments[$((n % ${#comments[@]}))]}" '{body:$b}')
  [ "$(call POST "/v1/posts/$post/comments" "${user_token[$commenter]}" "$body")" = 201 ] ||
    fail "comment on $post"
  n=$((n + 1))
done
echo "demo social: $(wc -l <<<"$shoppers") shoppers, $made posts created, follows and likes in place"
