"""Reference data: every département and overseas territory with a prefecture (or its equivalent).

Regions are those of 2016. Overseas collectivities are listed as the ministry lists its prefectures and
high commissions (Saint-Pierre-et-Miquelon, Saint-Barthélemy and Saint-Martin, Wallis-et-Futuna,
French Polynesia, New Caledonia).
"""

from django.db import migrations

ARA = "Auvergne-Rhône-Alpes"
BFC = "Bourgogne-Franche-Comté"
BRE = "Bretagne"
CVL = "Centre-Val de Loire"
COR = "Corse"
GES = "Grand Est"
HDF = "Hauts-de-France"
IDF = "Île-de-France"
NOR = "Normandie"
NAQ = "Nouvelle-Aquitaine"
OCC = "Occitanie"
PDL = "Pays de la Loire"
PAC = "Provence-Alpes-Côte d'Azur"

DEPARTMENTS = [
    ("01", "Ain", ARA),
    ("02", "Aisne", HDF),
    ("03", "Allier", ARA),
    ("04", "Alpes-de-Haute-Provence", PAC),
    ("05", "Hautes-Alpes", PAC),
    ("06", "Alpes-Maritimes", PAC),
    ("07", "Ardèche", ARA),
    ("08", "Ardennes", GES),
    ("09", "Ariège", OCC),
    ("10", "Aube", GES),
    ("11", "Aude", OCC),
    ("12", "Aveyron", OCC),
    ("13", "Bouches-du-Rhône", PAC),
    ("14", "Calvados", NOR),
    ("15", "Cantal", ARA),
    ("16", "Charente", NAQ),
    ("17", "Charente-Maritime", NAQ),
    ("18", "Cher", CVL),
    ("19", "Corrèze", NAQ),
    ("21", "Côte-d'Or", BFC),
    ("22", "Côtes-d'Armor", BRE),
    ("23", "Creuse", NAQ),
    ("24", "Dordogne", NAQ),
    ("25", "Doubs", BFC),
    ("26", "Drôme", ARA),
    ("27", "Eure", NOR),
    ("28", "Eure-et-Loir", CVL),
    ("29", "Finistère", BRE),
    ("2A", "Corse-du-Sud", COR),
    ("2B", "Haute-Corse", COR),
    ("30", "Gard", OCC),
    ("31", "Haute-Garonne", OCC),
    ("32", "Gers", OCC),
    ("33", "Gironde", NAQ),
    ("34", "Hérault", OCC),
    ("35", "Ille-et-Vilaine", BRE),
    ("36", "Indre", CVL),
    ("37", "Indre-et-Loire", CVL),
    ("38", "Isère", ARA),
    ("39", "Jura", BFC),
    ("40", "Landes", NAQ),
    ("41", "Loir-et-Cher", CVL),
    ("42", "Loire", ARA),
    ("43", "Haute-Loire", ARA),
    ("44", "Loire-Atlantique", PDL),
    ("45", "Loiret", CVL),
    ("46", "Lot", OCC),
    ("47", "Lot-et-Garonne", NAQ),
    ("48", "Lozère", OCC),
    ("49", "Maine-et-Loire", PDL),
    ("50", "Manche", NOR),
    ("51", "Marne", GES),
    ("52", "Haute-Marne", GES),
    ("53", "Mayenne", PDL),
    ("54", "Meurthe-et-Moselle", GES),
    ("55", "Meuse", GES),
    ("56", "Morbihan", BRE),
    ("57", "Moselle", GES),
    ("58", "Nièvre", BFC),
    ("59", "Nord", HDF),
    ("60", "Oise", HDF),
    ("61", "Orne", NOR),
    ("62", "Pas-de-Calais", HDF),
    ("63", "Puy-de-Dôme", ARA),
    ("64", "Pyrénées-Atlantiques", NAQ),
    ("65", "Hautes-Pyrénées", OCC),
    ("66", "Pyrénées-Orientales", OCC),
    ("67", "Bas-Rhin", GES),
    ("68", "Haut-Rhin", GES),
    ("69", "Rhône", ARA),
    ("70", "Haute-Saône", BFC),
    ("71", "Saône-et-Loire", BFC),
    ("72", "Sarthe", PDL),
    ("73", "Savoie", ARA),
    ("74", "Haute-Savoie", ARA),
    ("75", "Paris", IDF),
    ("76", "Seine-Maritime", NOR),
    ("77", "Seine-et-Marne", IDF),
    ("78", "Yvelines", IDF),
    ("79", "Deux-Sèvres", NAQ),
    ("80", "Somme", HDF),
    ("81", "Tarn", OCC),
    ("82", "Tarn-et-Garonne", OCC),
    ("83", "Var", PAC),
    ("84", "Vaucluse", PAC),
    ("85", "Vendée", PDL),
    ("86", "Vienne", NAQ),
    ("87", "Haute-Vienne", NAQ),
    ("88", "Vosges", GES),
    ("89", "Yonne", BFC),
    ("90", "Territoire de Belfort", BFC),
    ("91", "Essonne", IDF),
    ("92", "Hauts-de-Seine", IDF),
    ("93", "Seine-Saint-Denis", IDF),
    ("94", "Val-de-Marne", IDF),
    ("95", "Val-d'Oise", IDF),
    ("971", "Guadeloupe", "Guadeloupe"),
    ("972", "Martinique", "Martinique"),
    ("973", "Guyane", "Guyane"),
    ("974", "La Réunion", "La Réunion"),
    ("975", "Saint-Pierre-et-Miquelon", "Outre-mer (collectivité)"),
    ("976", "Mayotte", "Mayotte"),
    ("977", "Saint-Barthélemy", "Outre-mer (collectivité)"),
    ("978", "Saint-Martin", "Outre-mer (collectivité)"),
    ("986", "Wallis-et-Futuna", "Outre-mer (collectivité)"),
    ("987", "Polynésie française", "Outre-mer (collectivité)"),
    ("988", "Nouvelle-Calédonie", "Outre-mer (collectivité)"),
]


def load(apps, schema_editor):
    Department = apps.get_model("sites", "Department")
    for code, name, region in DEPARTMENTS:
        Department.objects.update_or_create(code=code, defaults={"name": name, "region": region})


def unload(apps, schema_editor):
    apps.get_model("sites", "Department").objects.filter(code__in=[code for code, _, _ in DEPARTMENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("sites", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
