package seed

// Word lists the generator draws names from.
var (
	partnerWords = []string{"Alfa", "Atlas", "Aurora", "Boreal", "Cedro", "Delta", "Estrela", "Falcão", "Horizonte",
		"Ipê", "Jacarandá", "Lumen", "Maré", "Nimbus", "Órbita", "Pampa", "Quasar", "Rio", "Serra", "Trilha",
		"Urano", "Vértice", "Zênite", "Nexo", "Prisma", "Vale", "Ponte", "Sol", "Brisa", "Cume"}
	partnerKinds = []string{"Sistemas", "Tecnologia", "Soluções", "Digital", "Consultoria", "Integração", "Redes",
		"Software", "Cloud", "Dados", "Serviços", "Informática"}
	firstNames = []string{"Ana", "Bruno", "Carla", "Diego", "Elena", "Fábio", "Gabriela", "Heitor", "Isabela",
		"João", "Karina", "Lucas", "Mariana", "Nicolás", "Olívia", "Pedro", "Quintino", "Rafaela", "Sofía",
		"Tiago", "Úrsula", "Valentina", "William", "Ximena", "Yara", "Zé", "Camila", "Mateo", "Lucía", "Hugo"}
	lastNames = []string{"Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Rodrigues", "Almeida",
		"Nascimento", "García", "Martínez", "López", "Hernández", "González", "Smith", "Johnson", "Müller",
		"Tanaka", "Fernandes", "Carvalho", "Ribeiro", "Gomes", "Barbosa", "Rocha", "Dias", "Moreira", "Cardoso"}
	jobTitles = []string{"Vendas", "Pré-vendas", "Diretor comercial", "Engenheira de soluções", "Marketing",
		"Account manager", "Sales engineer", "Suporte", "CEO", "Operações"}
	customerHeads = []string{"Grupo", "Banco", "Construtora", "Farmácia", "Hospital", "Indústria", "Logística",
		"Supermercados", "Transportadora", "Editora", "Seguradora", "Universidade", "Metalúrgica", "Agro",
		"Energia", "Telecom", "Varejo", "Têxtil", "Alimentos", "Mineração"}
	customerSuffixes = []string{"Ltda", "S.A.", "Inc.", "LLC", "SA de CV", "GmbH", "Ltd", "S.L.", ""}
	products         = []string{"Ponte Cloud Suite", "Ponte Analytics", "Ponte Security", "Ponte Backup",
		"Implantação", "Suporte Premium", "Licenças anuais", "Treinamento"}
	lossReasons = []string{"Cliente já atendido por outro parceiro", "Dados do cliente incompletos",
		"Fora do território do parceiro", "Oportunidade duplicada"}
)

// country is where partners and their customers are, with the currency
// their deals are in.
type country struct {
	code, region, currency, locale, tld string
	weight                              int
}

var countries = []country{
	{"BR", "latam", "BRL", "pt-BR", "com.br", 30},
	{"MX", "latam", "MXN", "en", "com.mx", 8},
	{"AR", "latam", "USD", "en", "com.ar", 5},
	{"CL", "latam", "USD", "en", "cl", 4},
	{"CO", "latam", "USD", "en", "com.co", 4},
	{"US", "north_america", "USD", "en", "com", 12},
	{"CA", "north_america", "USD", "en", "ca", 3},
	{"PT", "europe", "EUR", "pt-BR", "pt", 5},
	{"ES", "europe", "EUR", "en", "es", 5},
	{"DE", "europe", "EUR", "en", "de", 5},
	{"GB", "europe", "GBP", "en", "co.uk", 5},
	{"JP", "apac", "USD", "en", "jp", 3},
	{"AU", "apac", "USD", "en", "com.au", 3},
	{"IN", "apac", "USD", "en", "in", 4},
	{"ZA", "mea", "USD", "en", "co.za", 2},
	{"AE", "mea", "USD", "en", "ae", 2},
}

// brlPer is how many BRL one unit of each currency the generator uses is
// worth; the rates to another base currency are derived from it.
var brlPer = map[string]float64{"BRL": 1, "USD": 5.3, "EUR": 5.8, "GBP": 6.7, "MXN": 0.29}

// currencies in a fixed order (maps are iterated in random order).
var currencies = []string{"BRL", "USD", "EUR", "GBP", "MXN"}
